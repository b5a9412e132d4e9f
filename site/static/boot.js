// Starts the site. A file rather than an inline script, so the Content-Security-Policy can
// allow scripts from this origin only.
//
// The site is four WebAssembly bundles (issue 33; site/src/bundles.rs): this loads the one whose
// pages include this address. Each line is a path, `*` standing for one segment; any other
// address is the `site` bundle's (sign-in, contracts, a contract's Invitations and Add tabs, and
// the page for an unknown address). site/tests/views/bundles.rs checks this table against
// every route of the site.
const bundles = [
  ['/contracts/*/imports', 'site-tabs'],
  ['/contracts/*/join-links', 'site-tabs'],
  ['/contracts/*/admins', 'site-tabs'],
  ['/contracts/*/mail', 'site-tabs'],
  ['/contracts/*/audit', 'site-tabs'],
  ['/contracts/*/integrations', 'site-system'],
  ['/integrations', 'site-system'],
  ['/people', 'site-system'],
  ['/privacy', 'site-system'],
  ['/enrol', 'site-student'],
  ['/join', 'site-student'],
];

function bundleOf(path) {
  const segments = path.split('/').filter((s) => s !== '');
  for (const [pattern, bundle] of bundles) {
    const want = pattern.split('/').filter((s) => s !== '');
    if (want.length === segments.length && want.every((w, i) => w === '*' || w === segments[i])) {
      return bundle;
    }
  }
  return 'site';
}

const name = bundleOf(location.pathname);
const { default: init } = await import(`/${name}.js`);
init({ module_or_path: `/${name}_bg.wasm` });
