import { type CrisisResource, defaultCrisisResources, useCrisisResources } from '../../api/crisis';
import { Page } from '../../components/Page';

/** "113 or 0800-0113" → ["113", "0800-0113"]: each number gets its own button. */
function numbers(phone: string): string[] {
  return phone
    .split(/\s+or\s+|[,;/]/i)
    .map((part) => part.trim())
    .filter((part) => /\d/.test(part));
}

function dialable(number: string): string {
  return number.replace(/[^\d+]/g, '');
}

function displayUrl(url: string): string {
  return url.replace(/^https?:\/\//, '').replace(/\/$/, '');
}

function Resource({ resource }: { resource: CrisisResource }) {
  const calls = resource.phone ? numbers(resource.phone) : [];
  const texts = resource.text ? numbers(resource.text) : [];
  const url = resource.url && /^https?:\/\//i.test(resource.url) ? resource.url : undefined;
  return (
    <li className="card resource">
      <h2>{resource.name}</h2>
      {resource.region ? <p className="resource-region">{resource.region}</p> : null}
      {resource.description ? <p>{resource.description}</p> : null}
      {calls.length + texts.length > 0 || url ? (
        <p className="resource-actions">
          {calls.map((number) => (
            <a
              key={`call-${number}`}
              className="button button-primary"
              href={`tel:${dialable(number)}`}
            >
              Call {number}
            </a>
          ))}
          {texts.map((number) => (
            <a
              key={`text-${number}`}
              className="button button-quiet"
              href={`sms:${dialable(number)}`}
            >
              Text {number}
            </a>
          ))}
          {url ? (
            <a className="button button-quiet" href={url} rel="noreferrer" target="_blank">
              {displayUrl(url)}
              <span className="visually-hidden"> (opens in a new tab)</span>
            </a>
          ) : null}
        </p>
      ) : null}
    </li>
  );
}

/**
 * Crisis resources. The built-in list shows at once and stays if the server cannot be
 * reached; the operator's list replaces it when it arrives.
 */
export default function Help() {
  const { data } = useCrisisResources();
  const content = data ?? defaultCrisisResources;
  const intro = content.intro.trim() || defaultCrisisResources.intro;
  const notice = content.notice.trim() || defaultCrisisResources.notice;

  return (
    <Page title="Need help now?" heading="Need help now?">
      <p className="help-intro">{intro}</p>
      {content.resources.length > 0 ? (
        <ul className="resources" aria-label="Crisis lines">
          {content.resources.map((resource) => (
            <Resource
              key={`${resource.name}|${resource.phone ?? ''}|${resource.url ?? ''}`}
              resource={resource}
            />
          ))}
        </ul>
      ) : null}
      <p className="notice">{notice}</p>
    </Page>
  );
}
