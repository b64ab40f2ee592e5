"""Root of the test tree: import the shared package first.

With ``--import-mode=importlib`` pytest names a test module after its path, so shared/tests/x.py
becomes ``shared.tests.x``; without the real ``shared`` package imported first, pytest would stand
an empty ``shared`` module in its place and every ``from shared... import`` would fail.
"""
import shared  # noqa: F401
