"""Person index: the Flask API and the domain it serves."""
