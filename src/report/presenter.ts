/**
 * @module
 * The one shape of every report writer (presenter) of `scan`, `check` and `screen`: a format
 * name and `write(report, out, options)`. A command keeps its presenters in one registry, a
 * record from format name to presenter, and picks one with `presenterFor`; each command has its
 * own report type (the scan document, the check decisions, the screening results) and options.
 * A streamed report carries its items as an AsyncIterable, so the presenter pulls them at the
 * pace the output takes them.
 */

export interface Presenter<Format extends string, Report, Options> {
  readonly format: Format;
  /** Writes the report and resolves once the stream has taken it; the stream is left open (it may be stdout). */
  write(report: Report, out: NodeJS.WritableStream, options: Options): Promise<void>;
}

/** The presenters of one command, each under its own format name. */
export type Presenters<Format extends string, Report, Options> = { readonly [F in Format]: Presenter<F, Report, Options> };

/** Identity, for type inference: `definePresenter({ format: "json", write })` keeps the literal format. */
export function definePresenter<const Format extends string, Report, Options>(presenter: Presenter<Format, Report, Options>): Presenter<Format, Report, Options> {
  return presenter;
}

/**
 * The presenter of a format. An unknown format is reachable from untyped callers (a config
 * file, JavaScript), so the error says which formats would have worked.
 * @example presenterFor(REPORT_PRESENTERS, "json", "report")
 */
export function presenterFor<Format extends string, Report, Options>(
  presenters: Presenters<Format, Report, Options>,
  format: Format,
  kind: string,
): Presenter<Format, Report, Options> {
  const presenter = Object.hasOwn(presenters, format) ? presenters[format] : undefined;
  if (!presenter) throw new Error(`unknown ${kind} format "${String(format)}"; known formats: ${Object.keys(presenters).join(", ")}`);
  return presenter;
}
