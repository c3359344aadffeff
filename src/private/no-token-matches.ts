/**
 * A refusal that also means no token GitHub sends can carry the value: a name GitHub would
 * never give, a claim no subject template writes, claims that contradict each other.
 *
 * The subject builders throw it like any other error; the trust audit tells it apart from the
 * refusals that keep trust narrow (a wildcard before the pin, a subject that names no
 * repository), to report conditions that can never match.
 */
export class NoTokenMatchesError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'Error';
    Object.setPrototypeOf(this, NoTokenMatchesError.prototype);
  }
}
