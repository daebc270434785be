"""Natural language processing: text, embeddings, recurrent networks, attention, Transformer."""
