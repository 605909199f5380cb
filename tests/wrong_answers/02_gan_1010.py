"""Plausible wrong answers for 02_gan_1010 and the total score each must get (out of 11).

Points: generate_real 1, Discriminator 2, d_step 3, Generator 2, g_step 3. Each wrong answer
replaces one student cell; only that exercise's test cell fails, because every test cell builds
its own inputs and mock networks.
"""

WRONG = [
    dict(name="d_step without detach: D's loss reaches G", cell="d_step",
         edits=[
             ("""
             fake = fake.detach()  # step 2 teaches D only: the backward pass must stop here, not run into G
             """,
              ""),
         ], score=8),
    dict(name="d_step with swapped targets (real 0, fake 1)", cell="d_step",
         edits=[
             ("""
             loss_real = loss_fn(pred_real, torch.ones_like(pred_real))  # step 1: real should score 1
             loss_fake = loss_fn(pred_fake, torch.zeros_like(pred_fake))  # step 2: fake should score 0
             """,
              """
             loss_real = loss_fn(pred_real, torch.zeros_like(pred_real))
             loss_fake = loss_fn(pred_fake, torch.ones_like(pred_fake))
             """),
         ], score=8),
    dict(name="d_step without opt_D.zero_grad(): old gradients are added", cell="d_step",
         edits=[
             ("""
             opt_D.zero_grad()  # the G step left gradients in D's .grad
             """,
              ""),
         ], score=8),
    dict(name="g_step steps D's optimizer instead of G's", cell="g_step",
         edits=[
             ("""
             opt_G.step()  # only G's parameters move
             """,
              """
             opt_D.step()  # copied from d_step: steps D's optimizer (a global) instead of G's
             """),
         ], score=8),
    dict(name="g_step steps both optimizers: D is trained in the G step", cell="g_step",
         edits=[
             ("""
             opt_G.zero_grad()
             """,
              """
             opt_G.zero_grad()
             opt_D.zero_grad()
             """),
             ("""
             opt_G.step()  # only G's parameters move
             """,
              """
             opt_G.step()  # only G's parameters move
             opt_D.step()  # "both networks learn": D is taught to call fakes real
             """),
         ], score=8),
    dict(name="g_step with target 0 for the fakes", cell="g_step",
         edits=[
             ("""
             loss_G = loss_fn(pred_fake, torch.ones_like(pred_fake))  # G wins when D says "real"
             """,
              """
             loss_G = loss_fn(pred_fake, torch.zeros_like(pred_fake))  # the fake's label from d_step, not G's goal
             """),
         ], score=8),
    dict(name="g_step freezes D and never unfreezes it", cell="g_step",
         edits=[
             ("""
             def g_step(D, G, z, opt_G, loss_fn):
             """,
              """
             def g_step(D, G, z, opt_G, loss_fn):
                 D.requires_grad_(False)  # freeze D for step 3, but never unfrozen
             """),
         ], score=8),
    dict(name="d_step makes its targets with torch.ones(n, 1): float32 on the CPU whatever D's output is",
         cell="d_step",
         edits=[
             ("""
             loss_real = loss_fn(pred_real, torch.ones_like(pred_real))  # step 1: real should score 1
             loss_fake = loss_fn(pred_fake, torch.zeros_like(pred_fake))  # step 2: fake should score 0
             """,
              """
             loss_real = loss_fn(pred_real, torch.ones(len(real), 1))
             loss_fake = loss_fn(pred_fake, torch.zeros(len(fake), 1))
             """),
         ], score=8),
    dict(name="g_step makes its target with torch.ones(n, 1): float32 on the CPU whatever D's output is",
         cell="g_step",
         edits=[
             ("""
             loss_G = loss_fn(pred_fake, torch.ones_like(pred_fake))  # G wins when D says "real"
             """,
              """
             loss_G = loss_fn(pred_fake, torch.ones(len(z), 1))
             """),
         ], score=8),
    dict(name="Discriminator without the final Sigmoid", cell="discriminator",
         edits=[
             ("""
             self.model = nn.Sequential(
                 nn.Linear(4, 3),
                 nn.Sigmoid(),
                 # (N, 3)
                 nn.Linear(3, 1),
                 nn.Sigmoid(),  # a probability: BCELoss needs values in (0, 1)
                 # (N, 1)
             )
             """,
              """
             self.model = nn.Sequential(nn.Linear(4, 3), nn.Sigmoid(), nn.Linear(3, 1))
             """),
         ], score=9),
    dict(name="Generator with ReLU in the hidden layer", cell="generator",
         edits=[
             ("""
             self.model = nn.Sequential(
                 nn.Linear(1, 3),
                 nn.Sigmoid(),
                 # (N, 3)
                 nn.Linear(3, 4),
                 nn.Sigmoid(),  # outputs in (0, 1), the range of the real data
                 # (N, 4)
             )
             """,
              """
             self.model = nn.Sequential(nn.Linear(1, 3), nn.ReLU(), nn.Linear(3, 4), nn.Sigmoid())
             """),
         ], score=9),
    dict(name="generate_real without noise", cell="generate_real",
         edits=[
             ("""
             real = 0.2 * torch.rand(n, 4)  # noise in [0, 0.2) at every position...
             real[:, 0::2] += 0.8  # ...lifted to [0.8, 1.0) where the pattern has a 1
             return real
             """,
              """
             return torch.tensor([[0.9, 0.1, 0.9, 0.1]]).repeat(n, 1)
             """),
         ], score=10),
    dict(name="generate_real with Python's random: torch.manual_seed does not reproduce it",
         cell="generate_real",
         edits=[
             ("""
             def generate_real(n):
             """,
              """
             import random


             def generate_real(n):
             """),
             ("""
             real = 0.2 * torch.rand(n, 4)  # noise in [0, 0.2) at every position...
             real[:, 0::2] += 0.8  # ...lifted to [0.8, 1.0) where the pattern has a 1
             return real
             """,
              """
             rows = [[random.uniform(0.8, 1.0), random.uniform(0.0, 0.2), random.uniform(0.8, 1.0), random.uniform(0.0, 0.2)]
                     for _ in range(n)]
             return torch.tensor(rows)
             """),
         ], score=10),
]
