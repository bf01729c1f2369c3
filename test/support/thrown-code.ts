// What a synchronous call threw, as the stable code a refusal test asserts: the code of
// a catalogued error of the given class, `accepted` when nothing was thrown, and the
// error's text otherwise (so a wrong kind of failure shows in the assertion).
export function thrownCode(run: () => unknown, errorClass: abstract new (...args: never[]) => { code: string }): string {
  try {
    run();
    return "accepted";
  } catch (error) {
    return error instanceof errorClass ? error.code : String(error);
  }
}
