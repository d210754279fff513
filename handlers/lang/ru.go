package lang

// ru is the Russian catalogue, keyed by the English text. A translation keeps
// the English text's format verbs in the same order.
var ru = map[string]string{}
