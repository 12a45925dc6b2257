/**
 * Postfix's own formats, one home each: time values ({@link org.jmaster.api.postfix.TimeValue},
 * Postfix's {@code conv_time.c}), the lines and columns of master.cf
 * ({@link org.jmaster.api.postfix.MasterCfSyntax}), and the status record children write
 * ({@link org.jmaster.api.postfix.StatusRecord}, {@link org.jmaster.api.postfix.ProcessState}).
 *
 * <p>This package depends on nothing but {@code java.base}: the child runtime, a jar that Java
 * children carry, embeds a private copy of it, so master and children read and write these
 * formats with the same code.
 */
@Export
@Version("1.0.0")
package org.jmaster.api.postfix;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
