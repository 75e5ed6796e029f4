"""match_svc: open matches by level, results and a level rating players trust."""
