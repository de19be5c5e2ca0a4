import type { Rupture } from '../../api/ruptures';
import { longDate } from '../../words';
import { INTENSITY_WORDS, KIND_NAMES } from './ruptureWords';

/**
 * A rupture record's words, as the viewer sees them. The same component shows the sharing
 * preview, so the client sees exactly what the therapist will.
 */
export function RuptureRecord({
  rupture,
  therapist,
  viewer,
}: {
  rupture: Rupture;
  therapist: string;
  viewer: 'client' | 'therapist';
}) {
  const theirs =
    viewer === 'client'
      ? `${therapist}'s side, as you understand it`
      : 'Your side, as they understand it';
  const sections: [string, string | null][] = [
    ['What happened', rupture.whatHappened || null],
    [theirs, rupture.theirSide],
    [viewer === 'client' ? 'How it felt for you' : 'How it felt', rupture.myExperience],
    ['What it echoes', rupture.echoes],
    [viewer === 'client' ? 'What you need' : 'What they need', rupture.needs],
    ['Looking back', rupture.reflection],
  ];
  return (
    <div className="record">
      <p className="record-title">
        <strong>{rupture.title}</strong>
        <br />
        <span className="quiet">
          {longDate(rupture.occurredAt)} · strength {rupture.intensity} of 5 (
          {INTENSITY_WORDS[rupture.intensity]?.toLowerCase()})
          {rupture.kind ? ` · ${KIND_NAMES[rupture.kind].toLowerCase()}` : ''}
        </span>
      </p>
      <dl className="record-sections">
        {sections
          .filter(([, text]) => text)
          .map(([label, text]) => (
            <div key={label} className="record-section">
              <dt>{label}</dt>
              <dd>{text}</dd>
            </div>
          ))}
        {rupture.parts && rupture.parts.length > 0 ? (
          <div className="record-section">
            <dt>Parts of you that were there (only you see these)</dt>
            <dd>{rupture.parts.map((p) => p.name).join(', ')}</dd>
          </div>
        ) : null}
      </dl>
    </div>
  );
}
