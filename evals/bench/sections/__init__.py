"""One module per benchmark section; each `run(cfg, ctx)` returns a `SectionResult`."""
