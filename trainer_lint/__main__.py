"""``python -m trainer_lint``: the same as the ``trainer-lint`` command."""

from trainer_lint.cli import main

if __name__ == "__main__":
    main()
