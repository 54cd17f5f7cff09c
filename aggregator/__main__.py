"""``python -m aggregator`` runs the CLI (the scheduler starts crawls this way)."""

from aggregator.cli import main

if __name__ == "__main__":
    main()
