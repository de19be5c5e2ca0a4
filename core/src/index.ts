export * from './checkin.ts';
export * from './markers.ts';
export * from './patterns.ts';
