/** The name of the comment every archive carries: unique per task and archive number. */
export function archiveComment(label: string, idx: number): string {
  return `msgstore message store report ${label.replace(/[^\x20-\x7e]/g, '_')} archive ${idx}`
}
