import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './api-client';

const maxRetries = 2;

/** The console's query client: retries network failures and 5xx, never a 4xx, which would not change. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: (failureCount, error) =>
          failureCount < maxRetries && !(error instanceof ApiError && error.status < 500),
      },
    },
  });
}
