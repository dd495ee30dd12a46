/**
 * V8 keeps a string built piece by piece (`a + b`, `out += ...`, template literals) as a tree
 * of its pieces (a "cons string", 32 bytes a node) until something reads its characters; only
 * then is it copied into one flat string and the pieces dropped. A generated file of a few
 * kilobytes is thousands of such nodes. When the text is kept (a rendered config file waits in
 * cdktf's resolved tree until the stack is written), the pieces outlive the young generation
 * and fill the old one with garbage that only a full collection frees, which raises the peak
 * memory of a synth (issue 16: the 3,000 rule files of a 1,000-service stack left about 30 MB
 * of pieces in each of cdktf's two resolutions).
 *
 * `flat(s)` reads one character of `s`, which makes V8 flatten it now, while its pieces are
 * still young and die in the next scavenge. It returns `s` (the same string value).
 */
export function flat(s: string): string {
  // The read is kept in a module variable so no optimizing compiler drops it as unused.
  sink ^= s.charCodeAt(0) | 0;
  return s;
}

let sink = 0;
