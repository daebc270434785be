"""Advanced topics: GANs, reinforcement learning, AutoML and the FAQ."""
