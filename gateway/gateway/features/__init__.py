"""One module per feature: the RPC calls a feature makes and the shaping of their answers.

The JSON API (``gateway.api``) and the pages (``gateway.web``) both call these functions, and
never each other: a feature's calls to the services are written once, here.
"""
