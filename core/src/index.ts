export * from './checkin.ts';
