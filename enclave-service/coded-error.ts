// The shape of every boundary's errors: a stable code from that boundary's catalogue
// (callers switch on it) and a message for people, the catalogue's unless given.
export function codedErrorClass<Code extends string>(name: string, messageOf: (code: Code) => string) {
  return class CodedError extends Error {
    override readonly name = name;
    constructor(
      readonly code: Code,
      message: string = messageOf(code),
    ) {
      super(message);
    }
  };
}
