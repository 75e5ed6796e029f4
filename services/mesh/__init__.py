"""The shared runtime every Padel service stands on: settings, server bootstrap, interceptors,
health, reflection, metrics, token verification, database and event plumbing."""
