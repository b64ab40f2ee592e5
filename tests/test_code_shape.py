"""The code stays in pieces a reader can hold: modules of at most 400 lines, functions of at most 50."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AREAS = ("gateway", "services", "shared", "testing")
MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 50


def python_files():
    for area in AREAS:
        yield from (path for path in (ROOT / area).rglob("*.py") if ".egg-info" not in str(path))


def long_functions(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                yield f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({length} lines)"


def test_no_module_is_longer_than_400_lines():
    too_long = [f"{path.relative_to(ROOT)} ({count} lines)" for path in python_files()
                if (count := len(path.read_text().splitlines())) > MAX_FILE_LINES]
    assert not too_long, "split these by concern:\n" + "\n".join(too_long)


def test_no_function_is_longer_than_50_lines():
    too_long = [found for path in python_files() for found in long_functions(path)]
    assert not too_long, "split these into named steps:\n" + "\n".join(too_long)
