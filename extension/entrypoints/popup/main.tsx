// Minimal first screen until the wizard (issue 4) takes over this entrypoint: the detected IDs.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { DetectionSnapshot } from '../../../shared/detections';
import type { PopupToBackground } from '../../../shared/messages/popup-to-background';
import { DetectedIds } from '../../components/DetectedIds';

function Popup() {
  const [snapshot, setSnapshot] = useState<DetectionSnapshot | null>(null);
  useEffect(() => {
    const ask: PopupToBackground = { type: 'detections/get' };
    void browser.runtime.sendMessage(ask).then((raw) => {
      const r = DetectionSnapshot.safeParse(raw);
      setSnapshot(r.success ? r.data : { account: null, instances: [] });
    });
  }, []);
  return <main>{snapshot && <DetectedIds snapshot={snapshot} />}</main>;
}

render(<Popup />, document.getElementById('app')!);
