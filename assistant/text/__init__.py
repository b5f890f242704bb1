"""Text machinery with no domain decisions: stop words, synonyms, sentence spans, support
scoring, stance, alteration, citation verification."""
