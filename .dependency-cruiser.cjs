// Import rules: a folder is a trust domain, and the only code two domains share is
// in contracts/ (what crosses a boundary) and common/ (pure code). `npm run lint`
// runs this; a cross-domain import fails it. Type-only imports count too.
const DOMAINS = "(widget/loader|widget/frame|enclave-service/enclave|enclave-service/parent|idos-node|host-demo)";

module.exports = {
  forbidden: [
    {
      name: "cross-domain-import",
      comment: "A trust domain imports only itself, contracts/ and common/ (see CONTRIBUTING.md).",
      severity: "error",
      from: { path: `^${DOMAINS}/` },
      to: { path: "^(?!node_modules/)", pathNot: ["^$1/", "^contracts/", "^common/"], dependencyTypesNot: ["core"] },
    },
    {
      name: "shared-code-stands-alone",
      comment: "contracts/ and common/ import only each other and packages: they run in every domain.",
      severity: "error",
      from: { path: "^(contracts|common)/" },
      to: { path: "^(?!node_modules/)", pathNot: ["^contracts/", "^common/"], dependencyTypesNot: ["core"] },
    },
    {
      name: "no-node-in-browser-code",
      comment: "The host page, the frame and the shared code run in browsers: no Node built-ins.",
      severity: "error",
      from: { path: "^(widget|contracts|common)/" },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "enclave-has-no-io",
      comment: "The enclave core has no file system, no sockets and no processes: only its worker threads.",
      severity: "error",
      from: { path: "^enclave-service/enclave/" },
      to: { dependencyTypes: ["core"], pathNot: ["^(node:)?(worker_threads|os)$"] },
    },
    {
      name: "not-to-unresolvable",
      comment: "An import that resolves to nothing would slip past every rule above.",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: "no-circular",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(dist|models|node_modules)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"] },
  },
};
