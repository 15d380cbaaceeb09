"""The emulated AWS account: the backend, isolation from the learner's AWS settings, moto's workarounds, speed-ups."""
