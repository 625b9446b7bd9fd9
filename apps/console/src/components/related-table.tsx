import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ErrorMessage, Loading } from './states';

/** One column of a {@link RelatedTable}: its heading and what a row shows in it. */
export interface RelatedColumn<T> {
  header: string;
  cell(item: T): ReactNode;
  /** `nowrap` for times and other values that read badly broken. */
  className?: string;
}

/**
 * A card listing the newest of something related to the page's subject (a
 * client's tokens, consents, activity): its loading, failure and empty states,
 * a compact table, and links to the full list.
 */
export function RelatedTable<T extends { id: string }>({ id, title, query, noun, columns, empty, links }: {
  /** The heading's id, which labels the card. */
  id: string;
  title: string;
  query: UseQueryResult<{ items: T[] }>;
  /** What the rows are, for the loading and error lines ("tokens"). */
  noun: string;
  columns: RelatedColumn<T>[];
  empty: ReactNode;
  links: ReactNode;
}) {
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {query.isPending ? (
        <Loading label={`Loading the ${noun}…`} />
      ) : query.isError ? (
        <ErrorMessage error={query.error} title={`Could not load the ${noun}`} onRetry={() => void query.refetch()} />
      ) : query.data.items.length === 0 ? (
        empty
      ) : (
        <div className="table-wrap">
          <table className="table compact">
            <thead>
              <tr>
                {columns.map((column) => <th key={column.header} scope="col">{column.header}</th>)}
              </tr>
            </thead>
            <tbody>
              {query.data.items.map((item) => (
                <tr key={item.id}>
                  {columns.map((column) => <td key={column.header} className={column.className}>{column.cell(item)}</td>)}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="links">{links}</p>
    </section>
  );
}
