"""The composition root: the API app, the pages, the command line and the worker."""
