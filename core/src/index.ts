export * from './checkin.ts';
export * from './markers.ts';
