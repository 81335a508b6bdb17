# Generated from ui/shared_db_dialog.ui by packaging/compile_forms.py (pyside6-uic). Do not edit:
# change the form in Qt Designer, then run `uv run python packaging/compile_forms.py`.
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'shared_db_dialog.ui'
##
## Created by: Qt User Interface Compiler version 6.11.3
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QAbstractButton, QApplication, QComboBox, QDialog,
    QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel,
    QLineEdit, QPushButton, QSizePolicy, QSpacerItem,
    QVBoxLayout, QWidget)

class Ui_SharedDatabaseDialog(object):
    def setupUi(self, SharedDatabaseDialog):
        if not SharedDatabaseDialog.objectName():
            SharedDatabaseDialog.setObjectName(u"SharedDatabaseDialog")
        SharedDatabaseDialog.resize(620, 360)
        self.mainLayout = QVBoxLayout(SharedDatabaseDialog)
        self.mainLayout.setObjectName(u"mainLayout")
        self.introLabel = QLabel(SharedDatabaseDialog)
        self.introLabel.setObjectName(u"introLabel")
        self.introLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.introLabel)

        self.formLayout = QFormLayout()
        self.formLayout.setObjectName(u"formLayout")
        self.urlLabel = QLabel(SharedDatabaseDialog)
        self.urlLabel.setObjectName(u"urlLabel")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.urlLabel)

        self.urlEdit = QLineEdit(SharedDatabaseDialog)
        self.urlEdit.setObjectName(u"urlEdit")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.urlEdit)

        self.passwordLabel = QLabel(SharedDatabaseDialog)
        self.passwordLabel.setObjectName(u"passwordLabel")

        self.formLayout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.passwordLabel)

        self.passwordEdit = QLineEdit(SharedDatabaseDialog)
        self.passwordEdit.setObjectName(u"passwordEdit")
        self.passwordEdit.setEchoMode(QLineEdit.EchoMode.Password)

        self.formLayout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.passwordEdit)

        self.tlsLabel = QLabel(SharedDatabaseDialog)
        self.tlsLabel.setObjectName(u"tlsLabel")

        self.formLayout.setWidget(2, QFormLayout.ItemRole.LabelRole, self.tlsLabel)

        self.tlsCombo = QComboBox(SharedDatabaseDialog)
        self.tlsCombo.setObjectName(u"tlsCombo")

        self.formLayout.setWidget(2, QFormLayout.ItemRole.FieldRole, self.tlsCombo)

        self.caLabel = QLabel(SharedDatabaseDialog)
        self.caLabel.setObjectName(u"caLabel")

        self.formLayout.setWidget(3, QFormLayout.ItemRole.LabelRole, self.caLabel)

        self.caLayout = QHBoxLayout()
        self.caLayout.setObjectName(u"caLayout")
        self.caEdit = QLineEdit(SharedDatabaseDialog)
        self.caEdit.setObjectName(u"caEdit")

        self.caLayout.addWidget(self.caEdit)

        self.browseButton = QPushButton(SharedDatabaseDialog)
        self.browseButton.setObjectName(u"browseButton")

        self.caLayout.addWidget(self.browseButton)


        self.formLayout.setLayout(3, QFormLayout.ItemRole.FieldRole, self.caLayout)


        self.mainLayout.addLayout(self.formLayout)

        self.policyLabel = QLabel(SharedDatabaseDialog)
        self.policyLabel.setObjectName(u"policyLabel")
        self.policyLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.policyLabel)

        self.testLayout = QHBoxLayout()
        self.testLayout.setObjectName(u"testLayout")
        self.testButton = QPushButton(SharedDatabaseDialog)
        self.testButton.setObjectName(u"testButton")

        self.testLayout.addWidget(self.testButton)

        self.resultLabel = QLabel(SharedDatabaseDialog)
        self.resultLabel.setObjectName(u"resultLabel")
        self.resultLabel.setWordWrap(True)
        self.resultLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.testLayout.addWidget(self.resultLabel)

        self.testLayout.setStretch(1, 1)

        self.mainLayout.addLayout(self.testLayout)

        self.errorLabel = QLabel(SharedDatabaseDialog)
        self.errorLabel.setObjectName(u"errorLabel")
        self.errorLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.errorLabel)

        self.verticalSpacer = QSpacerItem(20, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.mainLayout.addItem(self.verticalSpacer)

        self.buttonBox = QDialogButtonBox(SharedDatabaseDialog)
        self.buttonBox.setObjectName(u"buttonBox")
        self.buttonBox.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Save)

        self.mainLayout.addWidget(self.buttonBox)

#if QT_CONFIG(shortcut)
        self.urlLabel.setBuddy(self.urlEdit)
        self.passwordLabel.setBuddy(self.passwordEdit)
        self.tlsLabel.setBuddy(self.tlsCombo)
        self.caLabel.setBuddy(self.caEdit)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.urlEdit, self.passwordEdit)
        QWidget.setTabOrder(self.passwordEdit, self.tlsCombo)
        QWidget.setTabOrder(self.tlsCombo, self.caEdit)
        QWidget.setTabOrder(self.caEdit, self.browseButton)
        QWidget.setTabOrder(self.browseButton, self.testButton)

        self.retranslateUi(SharedDatabaseDialog)

        QMetaObject.connectSlotsByName(SharedDatabaseDialog)
    # setupUi

    def retranslateUi(self, SharedDatabaseDialog):
        SharedDatabaseDialog.setWindowTitle(QCoreApplication.translate("SharedDatabaseDialog", u"Shared database", None))
        self.introLabel.setText(QCoreApplication.translate("SharedDatabaseDialog", u"Desks share incidents through a PostgreSQL or MariaDB database. Each desk keeps working on its own copy when the database cannot be reached, and shares what it did when it can. Leave the URL empty to work alone.", None))
        self.urlLabel.setText(QCoreApplication.translate("SharedDatabaseDialog", u"Database &URL:", None))
        self.urlEdit.setPlaceholderText(QCoreApplication.translate("SharedDatabaseDialog", u"postgresql://mimdesk@db.example.org/mimdesk", None))
#if QT_CONFIG(tooltip)
        self.urlEdit.setToolTip(QCoreApplication.translate("SharedDatabaseDialog", u"PostgreSQL (postgresql://) or MariaDB/MySQL (mariadb://): user, host, port and database, without the password", None))
#endif // QT_CONFIG(tooltip)
        self.passwordLabel.setText(QCoreApplication.translate("SharedDatabaseDialog", u"&Password:", None))
#if QT_CONFIG(tooltip)
        self.passwordEdit.setToolTip(QCoreApplication.translate("SharedDatabaseDialog", u"Kept in this computer's keyring, never in a settings file", None))
#endif // QT_CONFIG(tooltip)
        self.tlsLabel.setText(QCoreApplication.translate("SharedDatabaseDialog", u"&Encryption (TLS):", None))
        self.caLabel.setText(QCoreApplication.translate("SharedDatabaseDialog", u"&CA certificate:", None))
        self.caEdit.setPlaceholderText(QCoreApplication.translate("SharedDatabaseDialog", u"The certificate file of the authority that signed the server's certificate", None))
        self.browseButton.setText(QCoreApplication.translate("SharedDatabaseDialog", u"&Browse\u2026", None))
        self.policyLabel.setText("")
        self.testButton.setText(QCoreApplication.translate("SharedDatabaseDialog", u"&Test connection", None))
        self.resultLabel.setText("")
        self.errorLabel.setText("")
    # retranslateUi

