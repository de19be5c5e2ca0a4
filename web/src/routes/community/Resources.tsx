import { Link } from 'react-router';
import { type CrisisResources, defaultCrisisResources } from '../../api/crisis';

function numbers(phone: string): string[] {
  return phone
    .split(/\s+or\s+|[,;/]/i)
    .map((part) => part.trim())
    .filter((part) => /\d/.test(part));
}

const dialable = (number: string) => number.replace(/[^\d+]/g, '');

/** The instance's crisis lines, short: a name, where, and a way to call or open it. */
export function ResourceList({
  resources,
  label = 'Places to find support',
}: {
  resources: CrisisResources | null;
  label?: string;
}) {
  const content = resources ?? defaultCrisisResources;
  return (
    <div className="cm-resources">
      <p>{content.intro.trim() || defaultCrisisResources.intro}</p>
      {content.resources.length > 0 ? (
        <ul aria-label={label} className="cm-resource-list">
          {content.resources.map((resource) => {
            const calls = resource.phone ? numbers(resource.phone) : [];
            const url =
              resource.url && /^https?:\/\//i.test(resource.url) ? resource.url : undefined;
            return (
              <li key={`${resource.name}|${resource.phone ?? ''}|${resource.url ?? ''}`}>
                <strong>{resource.name}</strong>
                {resource.region ? <span className="quiet"> · {resource.region}</span> : null}
                {resource.description ? (
                  <span className="cm-resource-detail">{resource.description}</span>
                ) : null}
                {calls.length > 0 || url ? (
                  <span className="cm-resource-actions">
                    {calls.map((number) => (
                      <a key={number} href={`tel:${dialable(number)}`}>
                        Call {number}
                      </a>
                    ))}
                    {url ? (
                      <a href={url} rel="noreferrer" target="_blank">
                        {url.replace(/^https?:\/\//, '').replace(/\/$/, '')}
                        <span className="visually-hidden"> (opens in a new tab)</span>
                      </a>
                    ) : null}
                  </span>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : null}
      <p className="quiet small">
        {content.notice.trim() || defaultCrisisResources.notice}{' '}
        <Link to="/help">All the places to find help</Link>
      </p>
    </div>
  );
}
