// What a synchronous call threw, as the stable code a refusal test asserts: the code of
// a catalogued error of the given class (or what `read` takes from it, where the code is
// shared by several refusals), `accepted` when nothing was thrown, and the error's text
// otherwise (so a wrong kind of failure shows in the assertion).
export function thrownCode<E extends { code: string }>(run: () => unknown, errorClass: abstract new (...args: never[]) => E, read: (error: E) => string = (error) => error.code): string {
  try {
    run();
    return "accepted";
  } catch (error) {
    return error instanceof errorClass ? read(error) : String(error);
  }
}
