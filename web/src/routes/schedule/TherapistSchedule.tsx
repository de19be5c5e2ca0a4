export default function TherapistSchedule() {
  return null;
}
