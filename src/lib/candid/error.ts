/**
 * The one error type thrown by the codec.
 *
 * `coercion` is true when the bytes were well-formed but a value could not be understood at the
 * expected type (type mismatch, unknown variant case, missing required field). Inside an `opt`
 * such a failure turns the value into `[]` (Candid's opt rule); malformed input never does.
 */
export class CandidError extends Error {
  readonly coercion: boolean;
  constructor(message: string, coercion = false) {
    super(message);
    this.name = 'CandidError';
    this.coercion = coercion;
  }
}
