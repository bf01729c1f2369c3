// What a consent screen shows, and how the user answered it: shared by the frame's
// screen and the consent window it may open.
/** How the user answered a consent screen; "obscured": Sign was pressed while the screen was hidden or covered. */
export type ConsentAnswer = "approved" | "rejected" | "obscured";

export interface ConsentRequest {
  /** For tests and styling: which request this is. */
  kind: "connect" | "signMessage" | "personalSign" | "signTypedData" | "accessGrant" | "joinProfile";
  title: string;
  hostOrigin: string;
  parts: ({ heading?: string } & ({ text: string } | { fields: [string, string][] }))[];
  /** Which key signs, in words. */
  signer: string;
  approveLabel?: string;
}
