// The one shape of every boundary's errors. A catalogue maps each stable code (callers
// switch on it) to a message for people and, where the error travels over HTTP, its
// status; an error class made from a catalogue carries a code and a message, and its
// wire form is { code, message }: no stack, no internals.
interface ErrorEntry {
  readonly message: string;
  readonly status?: number;
}
export type ErrorCatalogue = Readonly<Record<string, ErrorEntry>>;

export interface WireError<Code extends string = string> {
  code: Code;
  message: string;
}

export function codedErrorClass<const Catalogue extends ErrorCatalogue>(name: string, catalogue: Catalogue) {
  type Code = keyof Catalogue & string;
  return class CodedError extends Error {
    override readonly name = name;
    static readonly catalogue: Catalogue = catalogue;
    constructor(
      readonly code: Code,
      message: string = catalogue[code]!.message,
    ) {
      super(message);
    }
    /** The HTTP status the catalogue gives this code (500 where it gives none). */
    get status(): number {
      return catalogue[this.code]!.status ?? 500;
    }
    toJSON(): WireError<Code> {
      return { code: this.code, message: this.message };
    }
  };
}

/** Whether `code` names an entry of the catalogue (own keys only: "toString" is not a code). */
export const isCatalogued = <Catalogue extends ErrorCatalogue>(catalogue: Catalogue, code: unknown): code is keyof Catalogue & string => typeof code === "string" && Object.hasOwn(catalogue, code);
