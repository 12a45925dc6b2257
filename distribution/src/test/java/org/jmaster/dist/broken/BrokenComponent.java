package org.jmaster.dist.broken;

/**
 * A DS component whose activate method throws, packed by LogIT into a bundle of its own
 * (org.jmaster.test.broken, with a component description by hand): SCR logs the failure through
 * the OSGi log of that bundle.
 */
public class BrokenComponent {
    public void activate() {
        throw new IllegalStateException("broken on purpose");
    }
}
