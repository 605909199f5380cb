"""Plausible wrong answers for 02_gan_1010 and the total score each must get (out of 11).

Points: generate_real 1, Discriminator 2, d_step 3, Generator 2, g_step 3. Each wrong answer
replaces one student cell; only that exercise's test cell fails, because every test cell builds
its own inputs and mock networks.
"""

D_STEP_NO_DETACH = '''
def d_step(D, real, fake, opt_D, loss_fn):
    pred_real = D(real)
    pred_fake = D(fake)  # fake is still attached to G: loss_D.backward() runs on into G
    loss_D = (loss_fn(pred_real, torch.ones_like(pred_real)) + loss_fn(pred_fake, torch.zeros_like(pred_fake))) / 2
    opt_D.zero_grad()
    loss_D.backward()
    opt_D.step()
    return loss_D.item()
'''

D_STEP_SWAPPED_TARGETS = '''
def d_step(D, real, fake, opt_D, loss_fn):
    fake = fake.detach()
    pred_real = D(real)
    pred_fake = D(fake)
    loss_D = (loss_fn(pred_real, torch.zeros_like(pred_real)) + loss_fn(pred_fake, torch.ones_like(pred_fake))) / 2
    opt_D.zero_grad()
    loss_D.backward()
    opt_D.step()
    return loss_D.item()
'''

D_STEP_NO_ZERO_GRAD = '''
def d_step(D, real, fake, opt_D, loss_fn):
    fake = fake.detach()
    pred_real = D(real)
    pred_fake = D(fake)
    loss_D = (loss_fn(pred_real, torch.ones_like(pred_real)) + loss_fn(pred_fake, torch.zeros_like(pred_fake))) / 2
    loss_D.backward()  # adds to whatever the G step left in D's .grad
    opt_D.step()
    return loss_D.item()
'''

G_STEP_STEPS_OPT_D = '''
def g_step(D, G, z, opt_G, loss_fn):
    fake = G(z)
    pred_fake = D(fake)
    loss_G = loss_fn(pred_fake, torch.ones_like(pred_fake))
    opt_G.zero_grad()
    loss_G.backward()
    opt_D.step()  # copied from d_step: steps D's optimizer (a global) instead of G's
    return loss_G.item()
'''

G_STEP_TRAINS_D_TOO = '''
def g_step(D, G, z, opt_G, loss_fn):
    fake = G(z)
    pred_fake = D(fake)
    loss_G = loss_fn(pred_fake, torch.ones_like(pred_fake))
    opt_G.zero_grad()
    opt_D.zero_grad()
    loss_G.backward()
    opt_G.step()
    opt_D.step()  # "both networks learn": D is taught to call fakes real
    return loss_G.item()
'''

G_STEP_TARGET_ZERO = '''
def g_step(D, G, z, opt_G, loss_fn):
    fake = G(z)
    pred_fake = D(fake)
    loss_G = loss_fn(pred_fake, torch.zeros_like(pred_fake))  # the fake's label from d_step, not G's goal
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    return loss_G.item()
'''

G_STEP_FREEZES_D = '''
def g_step(D, G, z, opt_G, loss_fn):
    D.requires_grad_(False)  # freeze D for step 3, but never unfrozen
    fake = G(z)
    pred_fake = D(fake)
    loss_G = loss_fn(pred_fake, torch.ones_like(pred_fake))
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    return loss_G.item()
'''

DISCRIMINATOR_NO_FINAL_SIGMOID = '''
class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.model = nn.Sequential(nn.Linear(4, 3), nn.Sigmoid(), nn.Linear(3, 1))

    def forward(self, x):
        return self.model(x)
'''

GENERATOR_RELU = '''
class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.model = nn.Sequential(nn.Linear(1, 3), nn.ReLU(), nn.Linear(3, 4), nn.Sigmoid())

    def forward(self, z):
        return self.model(z)
'''

GENERATE_REAL_NO_NOISE = '''
def generate_real(n):
    return torch.tensor([[0.9, 0.1, 0.9, 0.1]]).repeat(n, 1)
'''

GENERATE_REAL_PYTHON_RANDOM = '''
import random


def generate_real(n):
    rows = [[random.uniform(0.8, 1.0), random.uniform(0.0, 0.2), random.uniform(0.8, 1.0), random.uniform(0.0, 0.2)]
            for _ in range(n)]
    return torch.tensor(rows)
'''

WRONG = [
    dict(name="d_step without detach: D's loss reaches G", cell="d_step",
         source=D_STEP_NO_DETACH, score=8),
    dict(name="d_step with swapped targets (real 0, fake 1)", cell="d_step",
         source=D_STEP_SWAPPED_TARGETS, score=8),
    dict(name="d_step without opt_D.zero_grad(): old gradients are added", cell="d_step",
         source=D_STEP_NO_ZERO_GRAD, score=8),
    dict(name="g_step steps D's optimizer instead of G's", cell="g_step",
         source=G_STEP_STEPS_OPT_D, score=8),
    dict(name="g_step steps both optimizers: D is trained in the G step", cell="g_step",
         source=G_STEP_TRAINS_D_TOO, score=8),
    dict(name="g_step with target 0 for the fakes", cell="g_step",
         source=G_STEP_TARGET_ZERO, score=8),
    dict(name="g_step freezes D and never unfreezes it", cell="g_step",
         source=G_STEP_FREEZES_D, score=8),
    dict(name="Discriminator without the final Sigmoid", cell="discriminator",
         source=DISCRIMINATOR_NO_FINAL_SIGMOID, score=9),
    dict(name="Generator with ReLU in the hidden layer", cell="generator",
         source=GENERATOR_RELU, score=9),
    dict(name="generate_real without noise", cell="generate_real",
         source=GENERATE_REAL_NO_NOISE, score=10),
    dict(name="generate_real with Python's random: torch.manual_seed does not reproduce it", cell="generate_real",
         source=GENERATE_REAL_PYTHON_RANDOM, score=10),
]
