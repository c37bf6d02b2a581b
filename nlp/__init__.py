"""Pain points from research text: spaCy pipelines per language, redaction, step linking, evaluation."""
