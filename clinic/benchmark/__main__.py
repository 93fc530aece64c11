import sys

from clinic.benchmark.run import main

sys.exit(main())
