import { ApiError } from '@app/api-client';
import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { session } from './client';

/** A 401 that survived the client's one refresh means the session is over: sign in again (the page is kept). */
const onError = (e: unknown) => {
  if (e instanceof ApiError && e.status === 401) session.expire();
};

export const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError }),
  mutationCache: new MutationCache({ onError }),
  defaultOptions: {
    queries: {
      staleTime: 5_000,
      refetchOnWindowFocus: false,
      // A refusal (4xx) will not change by asking again; a 5xx or an unreachable gateway may.
      retry: (count, e) => !(e instanceof ApiError && e.status < 500) && count < 2,
    },
  },
});
