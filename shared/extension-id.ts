// The extension's manifest.key pins its ID, so the API can allow exactly its origin.
export const EXTENSION_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAw2VVqHJ3t0XMkxT3VYcDEzyd40uUH79N5dVvalRChB3UzsJBmKlPJMvK3AnAFBY/1l9Bu9H87UbL408OLULGEN+srz1uNPx1HIw6jMj9QvzUM0wY2mAGP8/w7BcH/om74YueRx8DJppJbVpq8+NBT+kovZ5yFPI8Rh5n+IRdKpJtOdTKa4k/arIzfdyE8gqgC/iu1PDRHB6vgvrSGfru4uDIG+UXd93G3drzmLqUC+yCurkknrGw+KvBwCR63lKa80VwSgdLKHh7m8REtfWVEOV+ROH9gvyFivrYTbHg6Ep2bY6vHDeIAWycVc0fTgdIw9mRpdYfVxGsW480SUmT2QIDAQAB';
export const EXTENSION_ID = 'knnmmklogfckmipjkdoogjimcbneiile';
export const EXTENSION_ORIGINS = [`chrome-extension://${EXTENSION_ID}`];
