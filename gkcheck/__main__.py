from gkcheck.cli import main

raise SystemExit(main())
