import type { Marker } from '@attune/core/markers';

export function presentMarker(marker: Marker) {
  return {
    kind: marker.kind,
    at: new Date(marker.at).toISOString(),
    severity: marker.severity,
    ...(marker.appointmentId ? { appointmentId: marker.appointmentId } : {}),
    ...(marker.messageId ? { messageId: marker.messageId } : {}),
    explanation: marker.explanation,
  };
}
