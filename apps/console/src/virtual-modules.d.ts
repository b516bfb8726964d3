/** Built by vite.config.mts from the OpenAPI document: `METHOD /path` → the least role that may call it, or 'public'. */
declare module 'virtual:minimum-roles' {
  const roles: Readonly<Record<string, 'viewer' | 'operator' | 'admin' | 'public'>>;
  export default roles;
}
