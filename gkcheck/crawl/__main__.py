from gkcheck.crawl.cli import main

raise SystemExit(main())
