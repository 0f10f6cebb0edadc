/** The tiny router: the current route from the URL, and links that push history entries. */
import { type MouseEvent, type ReactNode, useEffect, useState } from 'react';
import { parseRoute, type Route, routePath } from './routes.js';

const EVENT = 'orca:navigate';

export function navigate(route: Route, options: { replace?: boolean } = {}): void {
  const path = routePath(route);
  if (path === location.pathname + location.search) return;
  if (options.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  window.dispatchEvent(new Event(EVENT));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname, location.search));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.pathname, location.search));
    window.addEventListener('popstate', update);
    window.addEventListener(EVENT, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(EVENT, update);
    };
  }, []);
  return route;
}

/** A real link (open in a new tab works); a plain click navigates in the page. */
export function Link({
  to,
  children,
  className,
  ...rest
}: {
  to: Route;
  children: ReactNode;
  className?: string;
  'aria-label'?: string;
}) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={routePath(to)} onClick={onClick} className={className} {...rest}>
      {children}
    </a>
  );
}
