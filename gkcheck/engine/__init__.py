"""Loading rule packs, expanding unit selectors, evaluating rules into findings."""
