/**
 * Java programs as jmaster (or Postfix) children: {@link org.jmaster.child.SingleServer} does what
 * Postfix's {@code single_server} skeleton does, and a program only says what to do with a client.
 */
@Export
@Version("1.0.0")
package org.jmaster.child;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
