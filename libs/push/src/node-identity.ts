/** Which push node this process is, and the URL clients reach it at. */
export class NodeIdentity {
  constructor(
    readonly id: string,
    readonly url: string,
  ) {}
}
