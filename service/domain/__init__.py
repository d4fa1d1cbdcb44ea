"""Rules shared by the API and the indexer: the person model, normalisation, search documents."""
